"""gunicorn settings that `qdialog serve` passes with `--config python:qdialog.core.gunicorn_conf`.

* Metrics: each worker writes its counters into PROMETHEUS_MULTIPROC_DIR (set by `qdialog serve`
  to a fresh directory of its own); a worker that ends is marked dead so that its gauges leave
  the sums.
* Logs: with LOG_FORMAT=json gunicorn's own lines (workers starting, a worker timed out or killed)
  are JSON objects as well, in the same shape as qdialog's (qdialog/core/logs.py).
"""

import os

# qdialog's request log (qdialog/core/observability.py) replaces gunicorn's access log
REQUEST_LOG = os.environ.get("QDIALOG_REQUEST_LOG", "true").lower() not in {
    "0", "false", "no", "off"}

if os.environ.get("LOG_FORMAT", "json" if os.environ.get("QDIALOG_MODE") == "production"
                  else "text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "qdialog.core.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json",
                        "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                               "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": [] if REQUEST_LOG else ["console"],
                                "propagate": False, "qualname": "gunicorn.access"}},
    }


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
