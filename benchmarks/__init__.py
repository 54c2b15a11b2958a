"""Benchmarks of the suite: speed against raw Playwright and Selenium, scaling, server time, memory."""
