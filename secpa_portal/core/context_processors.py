from django.conf import settings


def portal(request):
    return {
        "SERVICE_NAME": "SECPA — structures d'exercice coordonné participatives",
        "SERVICE_SHORT_NAME": "SECPA",
        "DEBUG": settings.DEBUG,
    }
