package io.pushgate.tenant.identity;

import io.pushgate.tenant.identity.Members.MemberView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/members}: a tenant's members and their roles (owner, admin, viewer). Changing members
 * needs {@code members.write} (owners); a tenant always keeps at least one owner.
 */
@RestController
@RequestMapping("/v1/members")
class MemberEndpoints {

    private static final Set<String> ROLES = Set.of("owner", "admin", "viewer");

    record NewMember(String email, String password, String role) {
        @Override
        public String toString() {
            return "NewMember[email=" + email + ", role=" + role + "]";
        }
    }

    record RoleChange(String role) {}

    private final Members members;

    MemberEndpoints(Members members) {
        this.members = members;
    }

    @GetMapping
    Mono<Page<MemberView>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return members.list(caller, cursor, limit);
    }

    @PostMapping
    Mono<ResponseEntity<MemberView>> add(Caller caller, @RequestBody NewMember body) {
        String email = Fields.email("email", body.email());
        String role = role(body.role());
        Accounts.checkPassword(body.password(), email);
        return members.add(caller, email, body.password(), role)
                .map(member -> ResponseEntity.status(HttpStatus.CREATED).body(member));
    }

    @PatchMapping("/{id}")
    Mono<MemberView> changeRole(Caller caller, @PathVariable String id, @RequestBody RoleChange body) {
        UUID memberId = Fields.pathId(id, "member");
        return members.changeRole(caller, memberId, role(body.role()));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> remove(Caller caller, @PathVariable String id) {
        return members.remove(caller, Fields.pathId(id, "member"))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static String role(String role) {
        if (role == null || !ROLES.contains(role)) {
            throw ApiRejected.invalidField("role", "must be one of owner, admin, viewer");
        }
        return role;
    }
}
