"""The unchanged boto3 against Meridian: endpoint, credentials and Region come from the
environment only (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION),
as a user would set them. Run by test/e2e/boto3-smoke.test.ts; exits non-zero on the first failure.
"""

import os
import re

import boto3
from botocore.exceptions import ClientError


def main() -> None:
    sm = boto3.client("secretsmanager")
    region = os.environ["AWS_DEFAULT_REGION"]
    account = os.environ["MERIDIAN_ACCOUNT_ID"]

    created = sm.create_secret(Name="py/app", SecretString="first", Description="from boto3")
    assert re.fullmatch(
        rf"arn:aws:secretsmanager:{region}:{account}:secret:py/app-[A-Za-z0-9]{{6}}", created["ARN"]
    ), created["ARN"]
    assert created["Name"] == "py/app"

    read = sm.get_secret_value(SecretId="py/app")
    assert read["SecretString"] == "first", read
    assert read["VersionId"] == created["VersionId"], read
    assert read["VersionStages"] == ["AWSCURRENT"], read

    put = sm.put_secret_value(SecretId=created["ARN"], SecretString="second")
    assert put["VersionId"] != created["VersionId"], put
    assert put["VersionStages"] == ["AWSCURRENT"], put
    assert sm.get_secret_value(SecretId="py/app")["SecretString"] == "second"

    binary = sm.create_secret(Name="py/binary", SecretBinary=b"\x00\x01\xfe\xff")
    assert sm.get_secret_value(SecretId=binary["ARN"])["SecretBinary"] == b"\x00\x01\xfe\xff"

    listed = sm.get_paginator("list_secrets").paginate().build_full_result()
    assert sorted(s["Name"] for s in listed["SecretList"]) == ["py/app", "py/binary"], listed

    described = sm.describe_secret(SecretId="py/app")
    assert described["Description"] == "from boto3", described
    assert described["VersionIdsToStages"] == {
        created["VersionId"]: ["AWSPREVIOUS"],
        put["VersionId"]: ["AWSCURRENT"],
    }, described

    deleted = sm.delete_secret(SecretId="py/app", RecoveryWindowInDays=7)
    assert deleted["ARN"] == created["ARN"], deleted
    assert "DeletedDate" in sm.describe_secret(SecretId="py/app")
    names = [s["Name"] for s in sm.list_secrets()["SecretList"]]
    assert names == ["py/binary"], names

    try:
        sm.get_secret_value(SecretId="no/such/secret")
        raise AssertionError("get_secret_value of a missing secret succeeded")
    except ClientError as e:
        error = e.response["Error"]
        assert error["Code"] == "ResourceNotFoundException", e.response
        assert error["Message"] == "Secrets Manager can't find the specified secret.", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        assert isinstance(e, sm.exceptions.ResourceNotFoundException), type(e)

    print("boto3 smoke: ok")


if __name__ == "__main__":
    main()  # a failed assertion exits with status 1 and its traceback on stderr
