"""One batch end to end (plan -> learn -> clean -> stage -> publish -> report): the flow, the process-
pool runner, the Airflow task functions and batch ids. May import every layer below it."""
