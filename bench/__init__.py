"""The scale benchmark (``make bench``): see bench/README.md.

Nothing here is imported by the application; the harness imports the application.
"""
