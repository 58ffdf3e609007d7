{{/* The name of one service's objects: <release>-<service>. */}}
{{- define "pushgate.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels a service's pods carry; its Service, PodDisruptionBudget and NetworkPolicy select them. */}}
{{- define "pushgate.selector" -}}
app.kubernetes.io/name: pushgate
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "pushgate.labels" -}}
{{ include "pushgate.selector" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "pushgate.image" -}}
{{ .root.Values.image.registry }}/pushgate-{{ .service }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end -}}

{{/* The settings tenant-service and delivery-service share: the database (credentials from the existing Secret), the keyset, the issuer, the trusted proxies. */}}
{{- define "pushgate.databaseEnv" -}}
- name: PUSHGATE_DB_URL
  value: {{ required "database.url is required" .Values.database.url | quote }}
- name: PUSHGATE_DB_DIRECT_URL
  value: {{ .Values.database.directUrl | default .Values.database.url | quote }}
- name: PUSHGATE_DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required" .Values.database.existingSecret }}
      key: {{ .Values.database.userKey }}
- name: PUSHGATE_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.passwordKey }}
- name: PUSHGATE_KEYSET
  value: /etc/pushgate/keyset/{{ .Values.keyset.key }}
- name: PUSHGATE_ISSUER
  value: {{ required "issuer is required" .Values.issuer | quote }}
{{ include "pushgate.trustedProxiesEnv" . }}
{{- end -}}

{{/* The proxies whose X-Forwarded-For names the client, for every service (the portal's sign-ins too). */}}
{{- define "pushgate.trustedProxiesEnv" -}}
- name: PUSHGATE_TRUSTED_PROXIES
  value: {{ .Values.trustedProxies | quote }}
{{- end -}}

{{/* Probes on the actuator's groups: live = the JVM works; ready = started (delivery-service: and warmed up) and not shutting down. */}}
{{- define "pushgate.probes" -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{- define "pushgate.podSecurity" -}}
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  fsGroup: 65532
  seccompProfile: {type: RuntimeDefault}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "pushgate.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: [ALL]}
{{- end -}}

{{- define "pushgate.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* The rate limits' backend: Redis shared by every instance when redis.enabled; .instances is the service's count. */}}
{{- define "pushgate.limitsEnv" -}}
{{- if .root.Values.redis.enabled }}
- name: PUSHGATE_LIMITS_BACKEND
  value: redis
- name: PUSHGATE_LIMITS_REDIS_URL
{{- if .root.Values.redis.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.redis.existingSecret }}
      key: {{ .root.Values.redis.urlKey }}
{{- else }}
  value: {{ required "redis.url is required with redis.enabled" .root.Values.redis.url | quote }}
{{- end }}
- name: PUSHGATE_LIMITS_INSTANCES
  value: {{ .instances | int | toString | quote }}
{{- end }}
{{- end -}}
