# The README's quickstart in Python: the same app, with the names jsii generates.
# Checked against the generated Python bindings by test/bindings.test.ts.
from cdk8s import App, Chart, Duration
from cdk8s_istio import (
    Destination,
    DestinationRule,
    HttpMatch,
    HttpRouteDestination,
    RetryOn,
    RetryPolicy,
    StringMatch,
    VirtualService,
)

app = App()
chart = Chart(app, "bookinfo", namespace="bookinfo")

reviews = DestinationRule(chart, "reviews-versions", host="reviews")
v1 = reviews.add_subset(name="v1", labels={"version": "v1"})
v2 = reviews.add_subset(name="v2", labels={"version": "v2"})

VirtualService(chart, "reviews", hosts=["reviews"]).add_http_route(
    match=[HttpMatch(headers={"x-dark-launch": StringMatch.exact("v2")})],
    destinations=[HttpRouteDestination(destination=Destination.to_subset(v2))],
).add_http_route(
    destinations=[
        HttpRouteDestination(destination=Destination.to_subset(v1), weight=90),
        HttpRouteDestination(destination=Destination.to_subset(v2), weight=10),
    ],
    timeout=Duration.seconds(10),
    retries=RetryPolicy(attempts=3, per_try_timeout=Duration.seconds(2), retry_on=[RetryOn.GATEWAY_ERROR]),
)

app.synth()
