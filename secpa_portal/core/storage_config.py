"""The ``default`` storage from the environment (read by the settings; imports nothing of Django's).

Uploaded documents go to an S3-compatible object store through django-storages when ``S3_BUCKET`` is set,
to ``MEDIA_ROOT`` on the filesystem otherwise. Either way they are only ever served by the scoped views.
"""


def default_storage(env, media_root) -> dict:
    bucket = env.str("S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media_root}}
    options = {
        "bucket_name": bucket,
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "location": env.str("S3_PREFIX", default="documents"),
        # Private objects, never overwritten; the portal streams them, it never hands out their URL.
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
