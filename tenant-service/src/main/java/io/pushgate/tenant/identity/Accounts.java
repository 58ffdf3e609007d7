package io.pushgate.tenant.identity;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.identity.Members.Member;
import io.pushgate.tenant.identity.RefreshTokens.Rotated;
import io.pushgate.tenant.limit.Band;
import io.pushgate.tenant.limit.Quota;
import io.pushgate.tenant.limit.RateLimits;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.token.TokenAnswer;
import io.pushgate.tenant.token.TokenIssuer;
import io.pushgate.tenant.token.TokenIssuer.IssuedToken;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Sign-up (a tenant and its first owner), sign-in (a member's admin token and refresh token), the
 * refresh of a member's tokens, and sign-out.
 */
@Service
class Accounts {

    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 1024;

    record SignedUp(UUID tenantId, UUID memberId) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Members members;
    private final Passwords passwords;
    private final SignInThrottle throttle;
    private final TokenIssuer tokens;
    private final RefreshTokens refreshTokens;
    private final AuditLog audit;
    private final RateLimits limits;
    private final SignUpSettings signUp;

    Accounts(
            DatabaseClient db,
            TransactionalOperator tx,
            Members members,
            Passwords passwords,
            SignInThrottle throttle,
            TokenIssuer tokens,
            RefreshTokens refreshTokens,
            AuditLog audit,
            RateLimits limits,
            SignUpSettings signUp) {
        this.db = db;
        this.tx = tx;
        this.members = members;
        this.passwords = passwords;
        this.throttle = throttle;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.limits = limits;
        this.signUp = signUp;
    }

    Mono<SignedUp> signUp(String tenantName, String emailField, String password, String sourceIp) {
        String name = Fields.text("tenantName", tenantName, 200);
        String email = Fields.email("email", emailField);
        checkPassword(password, email);
        UUID tenantId = UUID.randomUUID();
        UUID memberId = UUID.randomUUID();
        return limits.take(signUpQuota(sourceIp))
                .flatMap(admission -> {
                    if (admission.allowed()) {
                        return Mono.just(admission);
                    }
                    ApiRejected rejected = new ApiRejected(
                            ControlPlaneProblem.SIGN_UP_THROTTLED,
                            "too many sign-ups from this address; try again later");
                    admission.writeTo(rejected.getHeaders());
                    return Mono.error(rejected);
                })
                .then(passwords.hash(password))
                .flatMap(hash -> tx.transactional(db.sql("INSERT INTO tenancy.tenant (id, name) VALUES (:id, :name)")
                        .bind("id", tenantId)
                        .bind("name", name)
                        .fetch()
                        .rowsUpdated()
                        .then(members.insert(memberId, tenantId, email, hash, "owner"))
                        .then(audit.append(
                                tenantId,
                                "member:" + memberId,
                                AuditAction.TENANT_SIGNUP,
                                "tenant:" + tenantId,
                                sourceIp,
                                true))
                        .thenReturn(new SignedUp(tenantId, memberId))))
                .onErrorMap(DuplicateKeyException.class, Accounts::emailTaken);
    }

    Mono<TokenAnswer> signIn(String emailField, String password, String sourceIp) {
        if (password == null || password.isEmpty()) {
            throw ApiRejected.invalidField("password", "is required");
        }
        String email = Fields.text("email", emailField, 254).toLowerCase(Locale.ROOT);
        return throttle.admit(email, sourceIp).flatMap(wait -> {
            if (!wait.isZero()) {
                ApiRejected rejected = new ApiRejected(
                        ControlPlaneProblem.SIGN_IN_THROTTLED, "too many failed sign-ins; try again later");
                rejected.getHeaders().set("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
                return audit.append(null, "anonymous", AuditAction.SIGN_IN, email, sourceIp, false)
                        .then(Mono.<TokenAnswer>error(rejected));
            }
            return verify(email, password, sourceIp);
        });
    }

    private Mono<TokenAnswer> verify(String email, String password, String sourceIp) {
        return members.byEmail(email)
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> passwords
                        .matches(password, found.map(Member::passwordHash).orElse(null))
                        .flatMap(matches -> {
                            if (!matches) {
                                return audit.append(
                                                found.map(Member::tenantId).orElse(null),
                                                found.map(member -> "member:" + member.id())
                                                        .orElse("anonymous"),
                                                AuditAction.SIGN_IN,
                                                email,
                                                sourceIp,
                                                false)
                                        .then(Mono.error(new ApiRejected(
                                                ControlPlaneProblem.SIGN_IN_FAILED,
                                                "the e-mail or the password is wrong")));
                            }
                            Member member = found.orElseThrow();
                            throttle.succeeded(email, sourceIp);
                            return audit.append(
                                            member.tenantId(),
                                            "member:" + member.id(),
                                            AuditAction.SIGN_IN,
                                            email,
                                            sourceIp,
                                            true)
                                    .then(Mono.zip(
                                            tokens.issueForMember(member.tenantId(), member.id(), member.role()),
                                            refreshTokens.start(member.tenantId(), member.id())))
                                    .map(issued -> answer(issued.getT1(), issued.getT2()));
                        }));
    }

    /**
     * The sign-up bucket of {@code sourceIp}: {@code maxPerAddress} at once, refilled evenly over
     * {@code window}; the settings are part of the key so that changed settings start afresh.
     */
    private Quota signUpQuota(String sourceIp) {
        int max = signUp.maxPerAddress();
        return new Quota(
                "sign-up",
                "address:" + max + "/" + signUp.window().toSeconds() + "s:"
                        + Quota.hashed(sourceIp == null ? "unknown" : sourceIp),
                0,
                List.of(Band.greedy(max, max, signUp.window())),
                null);
    }

    /**
     * A new access token and refresh token for {@code refreshToken}, with the member's current role;
     * 401 {@code refresh-token-invalid} for a token that is unknown, expired, revoked or spent (a
     * spent one revokes its family first: that is committed, the answer is still the 401).
     */
    Mono<TokenAnswer> refresh(String refreshToken, String sourceIp) {
        return refreshTokens.refresh(refreshToken, sourceIp).flatMap(rotation -> {
            if (rotation instanceof Rotated rotated) {
                return tokens.issueForMember(rotated.tenantId(), rotated.memberId(), rotated.role())
                        .map(issued -> answer(issued, rotated.refreshToken()));
            }
            return Mono.error(new ApiRejected(
                    ControlPlaneProblem.REFRESH_TOKEN_INVALID,
                    "the refresh token is unknown, expired, revoked or already used; sign in again"));
        });
    }

    /** Sign-out: revokes the family of {@code refreshToken}; an unknown or revoked token changes nothing. */
    Mono<Void> signOut(String refreshToken, String sourceIp) {
        return refreshTokens.revoke(refreshToken, sourceIp).then();
    }

    /** The answer of a sign-in and of a refresh: the member's access token and the refresh token that gets the next one. */
    private static TokenAnswer answer(IssuedToken access, String refreshToken) {
        return TokenAnswer.withRefreshToken(access, refreshToken);
    }

    /** Passwords have 12 to 1024 characters and are not the e-mail. */
    static void checkPassword(String password, String email) {
        if (password == null || password.isEmpty()) {
            throw ApiRejected.invalidField("password", "is required");
        }
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw ApiRejected.invalidField("password", "must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) {
            throw ApiRejected.invalidField("password", "must have at most " + MAX_PASSWORD + " characters");
        }
        if (password.strip().equalsIgnoreCase(email)) {
            throw ApiRejected.invalidField("password", "must not be the e-mail address");
        }
    }

    static ApiRejected emailTaken(Throwable e) {
        return new ApiRejected(ControlPlaneProblem.EMAIL_TAKEN, "this e-mail cannot be used for a new account");
    }
}
