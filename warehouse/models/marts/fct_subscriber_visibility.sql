-- How many of each channel's subscribers YouTube did not list, per audited week: subscriptions.list returns
-- only public subscriptions (reportedly capped near 1,000, without an error), so the visible subscribers are a
-- sample; subscriberCount is YouTube's own count, rounded to three significant figures. NULL when hidden.
CREATE OR REPLACE VIEW marts.fct_subscriber_visibility AS
WITH visible AS (
    SELECT as_of, account_id, count(DISTINCT channel_id) AS visible_subscribers
    FROM staging.stg_youtube__subscribers
    GROUP BY as_of, account_id
)
SELECT
    c.as_of,
    c.account_id,
    CASE WHEN c.hidden_subscriber_count THEN NULL ELSE c.subscriber_count END AS subscriber_count,
    coalesce(v.visible_subscribers, 0) AS visible_subscribers,
    CASE
        WHEN c.hidden_subscriber_count OR c.subscriber_count IS NULL THEN NULL
        ELSE greatest(c.subscriber_count - coalesce(v.visible_subscribers, 0), 0)
    END AS unseen_subscribers
FROM staging.stg_youtube__channel AS c
LEFT JOIN visible AS v USING (as_of, account_id);
