-- Every text the school published, one row per field (a post's text, a video's title, description and tags,
-- hashtags, alt texts) and per line of text read in its images (`image_text`, with the image in `media_key` and the
-- engine's confidence in each word; checks/images/): each declared platform's rows, from the staging model it names
-- for this mart (platforms/). Reading order within a post or video: field_order, then value_position (the
-- hashtag's, tag's or line's place).
CREATE OR REPLACE VIEW marts.fct_published_text AS
{{ platform_rows:
    platform, account_id, subject_kind, subject_id, subject_url, label_text, carries_media, field, value,
    field_order, value_position, media_key, word_confidences }};
