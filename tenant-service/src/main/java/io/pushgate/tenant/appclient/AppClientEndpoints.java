package io.pushgate.tenant.appclient;

import io.pushgate.tenant.appclient.AppClients.AppClientView;
import io.pushgate.tenant.appclient.AppClients.CreatedAppClient;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /v1/app-clients}: the tenant's app clients; the secret only in the answer that creates one. */
@RestController
@RequestMapping("/v1/app-clients")
class AppClientEndpoints {

    record NewAppClient(String name) {}

    private final AppClients clients;

    AppClientEndpoints(AppClients clients) {
        this.clients = clients;
    }

    @PostMapping
    Mono<ResponseEntity<CreatedAppClient>> create(Caller caller, @RequestBody NewAppClient body) {
        String name = Fields.text("name", body.name(), 200);
        return clients.create(caller, name)
                .map(created -> ResponseEntity.status(HttpStatus.CREATED)
                        .cacheControl(CacheControl.noStore())
                        .body(created));
    }

    @GetMapping
    Mono<Page<AppClientView>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return clients.list(caller, cursor, limit);
    }

    @DeleteMapping("/{clientId}")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String clientId) {
        return clients.delete(caller, clientId)
                .thenReturn(ResponseEntity.noContent().build());
    }
}
