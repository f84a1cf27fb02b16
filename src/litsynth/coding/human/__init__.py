"""Human review: decisions on suggestions and hand coding (`review`, `decisions`), the CSV
round trip (`sheets`), and agreement between coders or with the machine (`agreement`)."""
