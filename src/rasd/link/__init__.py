"""rasd.link"""
