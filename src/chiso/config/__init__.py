"""Project configuration: settings profiles, URL map, WSGI entry point."""
