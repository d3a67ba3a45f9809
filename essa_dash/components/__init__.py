"""Dash building blocks shared by pages: navigation, figure cards, source panels."""
