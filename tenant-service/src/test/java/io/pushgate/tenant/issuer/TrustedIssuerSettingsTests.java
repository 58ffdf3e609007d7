package io.pushgate.tenant.issuer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedIssuerSettingsTests {

    @Test
    void anAllowedNetworkThatIsNotOneStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new TrustedIssuerEndpoints(
                        null, new TrustedIssuerSettings(false, List.of("10.0.0.0/8", "intranet.example"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pushgate.security.jwks-allowed-networks (PUSHGATE_SECURITY_JWKS_ALLOWED_NETWORKS):"
                        + " 'intranet.example' is not an IP address or CIDR range");
    }
}
