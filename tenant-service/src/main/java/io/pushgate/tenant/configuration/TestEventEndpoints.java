package io.pushgate.tenant.configuration;

import io.pushgate.tenant.configuration.TestEvents.SignedTestEvent;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/configurations/{id}/test-events} {@code {"sessionId"?}} (owners and admins): a test
 * event signed as AXP signs it, for the portal to POST to the configuration's public callback URL.
 */
@RestController
class TestEventEndpoints {

    record TestEventRequest(String sessionId) {}

    private final TestEvents testEvents;

    TestEventEndpoints(TestEvents testEvents) {
        this.testEvents = testEvents;
    }

    @PostMapping("/v1/configurations/{id}/test-events")
    Mono<ResponseEntity<SignedTestEvent>> sign(
            Caller caller, @PathVariable String id, @RequestBody(required = false) TestEventRequest body) {
        return testEvents
                .sign(caller, Fields.pathId(id, "configuration"), body == null ? null : body.sessionId())
                .map(signed -> ResponseEntity.status(HttpStatus.CREATED)
                        .cacheControl(CacheControl.noStore())
                        .body(signed));
    }
}
