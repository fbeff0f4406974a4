"""Online meetings for appointments: a video provider (Zoom) keeps each appointment's meeting in
step with the appointment (created, moved, deleted), and the appointment shows where it stands."""
