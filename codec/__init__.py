"""Payload encryption: an AES-GCM payload codec with key rotation, and the codec endpoint for the Temporal UI."""
