"""Local stand-ins for production infrastructure (`make run` and the test harness): the embedded
store, test vhosts, free ports and parent watching, and the mail sink."""
