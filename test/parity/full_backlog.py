# A listener whose accept queue is full, so a new connect() to it waits (its SYN is dropped).
# Prints its port, then lives argv[1] seconds (default 15). Used by the parity scenarios.
import socket, time, sys
L = socket.socket(); L.bind(("127.0.0.1", 0)); L.listen(0)
fill = []
for i in range(8):
    c = socket.socket(); c.setblocking(False)
    c.connect_ex(L.getsockname()); fill.append(c)
time.sleep(0.3)
print(L.getsockname()[1], flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 15)
