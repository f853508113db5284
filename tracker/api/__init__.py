"""The JSON API under /api/v1/ (docs/api.md): the pages' data, rules, roles and visibility.

Reads start from the selectors' visibility rule, so a restricted agreement a user may not
see is a 404 here as on the pages; writes go through the same services, with the same
permissions (403 without them) and the same optimistic version on status changes (409).
"""
