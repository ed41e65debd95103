"""Background jobs: the Huey queue bound to the app, the job records, the worker and failed-jobs commands, the page."""
