package dev.softlabels.spark;

import java.util.Map;

/**
 * What a library plugged into the session needs from it, given by the package that uses the library
 * (this one names none): its SQL extension, added to the user's; its settings, applied unless the
 * user set them; and the object whose initialisation registers its settings, for {@link
 * Sessions#check}.
 */
public record SessionExtension(
    String sqlExtension, Map<String, String> defaults, String settingsRegistry) {}
