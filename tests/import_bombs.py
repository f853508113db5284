"""Import files that the limits' tests send, hostile or not."""

YAML = b"""parties:
  - {code: PAK, name: Pakistan}
  - {code: AFG, name: Afghanistan}
agreements:
  - slug: doha
    title: Doha follow-up
    parties: [PAK, AFG]
    signed_on: 2026-01-31
    commitments:
      - {reference: "1", title: Patrols, timeline: within 3 months, status: in_progress}
      - {reference: "2", title: Hotline, timeline: within 1 month}
"""
CSV = (
    b"agreement,agreement_title,signed_on,parties,reference,title,status\r\n"
    b'doha,Doha follow-up,2026-01-31,"Pakistan (PAK), Afghanistan (AFG)",1,Patrols,in_progress\r\n'
    b"doha,,,,2,Hotline,\r\n"
)
