"""Local stand-ins for outside services that speak the real wire protocol, so real client code runs."""
