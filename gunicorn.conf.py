# Read by gunicorn from the working directory (make run, docker-compose.yml, the Dockerfile).
# The access log masks the calendar feed's key (sutohamu/gunicorn_logging.py).
logger_class = "sutohamu.gunicorn_logging.MaskingLogger"
