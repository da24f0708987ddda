"""The offline sandbox: a sample school dataset and a local server speaking the X and YouTube API routes."""
