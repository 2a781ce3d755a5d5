"""What the test provider says about a person: e-mail, whether it is verified, name – as the
harness set them up (email_verified may be false, missing, or a string)."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email",
                        "email_verified": "email", "name": "profile"}

    def get_additional_claims(self, request):
        person = settings.SETUP["people"][request.user.username]
        claims = {"email": person["email"], "name": person.get("name", ""),
                  "preferred_username": request.user.username}
        if "email_verified" in person:
            claims["email_verified"] = person["email_verified"]
        return claims
