import os

print("restarting my kernel to save memory")
os._exit(0)
