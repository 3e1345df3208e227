"""rasd.data"""
