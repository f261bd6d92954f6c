from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

from beffroi.core.warmup import compile_lazy_patterns

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beffroi.settings")

application = get_wsgi_application()
compile_lazy_patterns()

# What is loaded by now (Django, the apps, the URLs, the templates' code,
# the patterns just compiled) lives as long as the process: the garbage
# collector stops walking it at each full collection.
gc.freeze()
