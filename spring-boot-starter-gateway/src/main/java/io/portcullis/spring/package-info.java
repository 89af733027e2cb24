/**
 * Spring Boot auto-configuration for the embedded gateway; filled by the starter issue.
 */
package io.portcullis.spring;
