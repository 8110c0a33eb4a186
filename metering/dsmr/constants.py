# The most telegrams one telegram API request may carry (the datalogger sends its backlog in
# batches of FORWARD_BATCH after an outage).
MAX_TELEGRAMS_PER_REQUEST = 500
FORWARD_BATCH = 100
