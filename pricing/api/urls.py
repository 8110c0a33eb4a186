from rest_framework.routers import SimpleRouter

from pricing.api.views import PricePlanViewSet

app_name = "pricing-api"

router = SimpleRouter(trailing_slash=True)
router.register("price-plans", PricePlanViewSet, basename="price-plan")
urlpatterns = router.urls
