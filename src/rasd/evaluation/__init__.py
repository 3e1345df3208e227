"""Evaluation against hand-labelled gold: the seeds and the blind-labelled corpus of real articles.

`corpus` reads the project's labels (eval/) and the article texts they point into (../shared);
`scoring` matches system events to gold with the shared scorer's rules and explains every error.
"""
