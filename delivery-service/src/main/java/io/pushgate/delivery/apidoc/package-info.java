/** The API's OpenAPI document at /v3/api-docs, made from the routes themselves. */
package io.pushgate.delivery.apidoc;
