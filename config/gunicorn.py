"""Gunicorn's settings (``gunicorn -c python:config.gunicorn``).

The access log names the path without its query string and leaves out the referrer: either may
carry a key a client put in a URL, and access logs are kept and shipped far and wide.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
