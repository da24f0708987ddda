"""The Graph API (a Facebook Page and an Instagram professional account) on its real routes."""
