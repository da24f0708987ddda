-- Every Photo node read behind the Page's posts, its latest reading: the alt text (the one the Page wrote, else
-- Facebook's automatic one).
CREATE OR REPLACE VIEW staging.stg_facebook__photos AS
SELECT DISTINCT ON (s.account_id, ph ->> 'id')
    s.account_id, ph ->> 'id' AS photo_id, coalesce(ph ->> 'alt_text_custom', ph ->> 'alt_text') AS alt_text
FROM raw.snapshots AS s
JOIN raw.api_pages AS p USING (snapshot_id),
LATERAL (SELECT unnest(json_extract(p.payload, '$.data[*]')) AS ph)
WHERE s.platform = 'facebook' AND s.stream = 'photos'
ORDER BY s.account_id, ph ->> 'id', s.fetched_at DESC;
