from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator and floor views (the benchmark issue); no models."""

    name = "bench"
    verbose_name = "Benchmark"
