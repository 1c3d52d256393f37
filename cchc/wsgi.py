import os

from django.core.wsgi import get_wsgi_application

from cchc.gc_tuning import tune_for_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
application = get_wsgi_application()
tune_for_requests()
