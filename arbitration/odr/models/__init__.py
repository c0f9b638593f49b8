"""The ODR room's tables: the room's messages and conciliation requests (room.py), offers and blind
bidding (offers.py)."""
