-- Every text the school published, one row per field: Facebook Page posts' messages and photos' alt text,
-- Instagram captions and alt text, X post text, hashtags and alt texts (every post ever
-- fetched), YouTube titles, descriptions and tags (the channel's latest videos fetch), and the lines of text read in
-- their images (`image_text`: an X post's photos and video previews, a video's thumbnail; checks/images/), with the
-- image (`media_key`: the X media key, or the video id for a thumbnail) and the engine's confidence in each word.
-- Reading order within a post or video: field_order, then value_position (the hashtag's, tag's or line's place).
-- Each platform's rows come from the staging model its declaration names.
CREATE OR REPLACE VIEW marts.fct_published_text AS
{{ platform_rows:
    platform, account_id, subject_kind, subject_id, subject_url, label_text, carries_media, field, value,
    field_order, value_position, media_key, word_confidences }};
