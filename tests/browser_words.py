"""What each browser says when a connection is refused, for tests that expect the browser's own reason in an error.

Chromium, Firefox and WebKit each word it their own way; WebKit words a request a test's route aborts, whatever the
error asked for, as blocked by its inspector (Playwright's own route tests expect the same).
"""

REFUSED = r"(?:net::ERR_CONNECTION_REFUSED|NS_ERROR_CONNECTION_REFUSED|Could not connect to the server)"
REFUSED_BY_ROUTE = r"(?:net::ERR_CONNECTION_REFUSED|NS_ERROR_CONNECTION_REFUSED|Blocked by Web Inspector)"
