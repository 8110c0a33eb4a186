"""DSMR P1 telegrams: cutting and parsing them, storing their registers, the datalogger."""
