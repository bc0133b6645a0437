"""Opens a connection to the address in target.txt ("HOST PORT"); exits 3 when it gets through."""

import socket
import sys
from pathlib import Path

host, port = Path("target.txt").read_text().split()
try:
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"escaped\n")
except OSError as error:
    print(f"no connection: {error}", file=sys.stderr)
    sys.exit(0)
print(f"connected to {host}:{port}", file=sys.stderr)
sys.exit(3)
