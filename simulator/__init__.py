"""The PowerDale digital twin: the town's devices, standing in for real meters. A client of the
platform (it talks to it the way devices do): it may import any app, and no app imports it."""
