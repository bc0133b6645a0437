"""The programs under test and their bridges."""
