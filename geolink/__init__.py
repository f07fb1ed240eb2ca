"""geolink: link council service data to UPRNs and USRNs, place it in ONS small areas,
and release only disclosure-controlled aggregates."""

__version__ = "0.1.0"
