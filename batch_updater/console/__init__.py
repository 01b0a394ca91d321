"""The web console (`batch-updater serve`): a local page for people who never open a terminal, to
upload a sheet, check it, plan, run with live progress, stop, and download the results, through
the same job code as the command line.

May import: run and everything below it. Nothing imports it but the command line.
"""
