"""One module per page: ``PATH``, ``TITLE`` and ``layout(**query)``; registered by the app."""
