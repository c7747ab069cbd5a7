/**
 * Every domain's event → notification mappings, registered on import. A domain
 * adds its mapping file here; notifications subscribes to exactly what is
 * registered (and the catalogue must name notifications as those events' consumer).
 */
import "./auth";
import "./commerce-orders";
import "./commerce-shops";
import "./events";
import "./messages";
import "./payments";
import "./social";
import "./users";
